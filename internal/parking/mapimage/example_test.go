package mapimage_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/autospot/autospot/internal/parking/mapimage"
)

// paint draws a grid of coloured cells, one letter per cell.
func paint(rows []string, cell int) image.Image {
	colours := map[byte]color.NRGBA{
		'W': {180, 180, 180, 255}, 'C': {255, 255, 255, 255}, 'S': {86, 188, 108, 255},
		'O': {235, 71, 61, 255}, 'E': {245, 192, 106, 255}, 'X': {0, 0, 0, 255}, 'Q': {20, 60, 230, 255},
	}
	img := image.NewNRGBA(image.Rect(0, 0, len(rows[0])*cell, len(rows)*cell))
	for r, row := range rows {
		for c := range len(row) {
			rect := image.Rect(c*cell, r*cell, (c+1)*cell, (r+1)*cell)
			draw.Draw(img, rect, image.NewUniform(colours[row[c]]), image.Point{}, draw.Src)
		}
	}
	return img
}

func ExampleConvert() {
	img := paint([]string{"WWWW", "ECCX", "WSOW", "WWWW"}, 20)
	res, err := mapimage.Convert(img, mapimage.Options{Rows: 4, Cols: 4, Level: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Level.Sketch())
	c, _ := res.Level.Cell(1, 1)
	fmt.Println(c.ID, c.Status)
	// Output:
	// WWWW
	// ECCX
	// WSOW
	// WWWW
	// 1S1 available
}

func ExampleConvert_errors() {
	img := paint([]string{"WWWW", "ECCX", "WSQW", "WWWW"}, 20)
	_, err := mapimage.Convert(img, mapimage.Options{Rows: 4, Cols: 4, Level: 1})
	var ue *mapimage.UnrecognisedError
	if errors.As(err, &ue) {
		fmt.Println(err)
	}
	// Output:
	// mapimage: 1 cell(s) of unrecognised colour: (2,1)=#143ce6
}
